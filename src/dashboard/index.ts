// dashboard/ owns the live terminal dashboard (ink + React): components over
// the recorder's LiveView, redrawn on a fixed tick in a drawing worker thread
// (drawer-main.ts) so that frames never hold up the traffic engine. It must not
// import the traffic engine, the cluster drivers or @kubernetes/client-node,
// must not block the event loop, and writes only to the Io it is given.
export { startDashboard, type DashboardHandle, type DashboardOptions } from './start-dashboard.js';
export { shouldUseDashboard, colorEnabled } from './should-use-dashboard.js';
export type { DashboardFinal } from './final-info.js';
