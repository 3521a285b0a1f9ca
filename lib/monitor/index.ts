/** The application monitor: is this node active for a resource? See /work/notes/monitor.md. */
export { ClusterMonitor } from './monitor.ts';
export { MonitorClosedError } from './options.ts';
export type { ClusterMonitorOptions, RoleChange, MonitorEvents } from './options.ts';
export type { MonitorRole, MonitorFacts, ResourceKind } from './types.ts';
export { deriveFacts, locate, activeNodes } from './role.ts';
export { parseEventLine } from './event.ts';
export type { PushedEvent } from './event.ts';
export { createPinoLogger, REDACT_PATHS } from './logger.ts';
export type { PinoLike } from './logger.ts';
export { defaultSocketPath, EVENTS_DIR, PushSocketError } from './socket-path.ts';
export { DEFAULT_LIMITS } from './push-socket.ts';
export type { PushSocketLimits } from './push-socket.ts';
