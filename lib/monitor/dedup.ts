/** A bounded set of recently seen event ids: the oldest is forgotten first (insertion order). */
export class RecentIds {
  private readonly ids = new Set<string>();

  constructor(private readonly capacity = 4096) {}

  /** True the first time an id is seen (and remembers it); false for a repeat. */
  add(id: string): boolean {
    if (this.ids.has(id)) return false;
    this.ids.add(id);
    if (this.ids.size > this.capacity) this.ids.delete(this.ids.values().next().value as string);
    return true;
  }

  get size(): number {
    return this.ids.size;
  }
}
