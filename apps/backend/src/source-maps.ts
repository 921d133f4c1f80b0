// Preloaded into every built service (`--import`, see start/child-process.ts): source maps for GoChat's own
// bundled code, so that its stack traces point into src/. Unlike `--enable-source-maps` it leaves out
// node_modules, whose maps Node would otherwise read and keep for every package loaded (OpenTelemetry's
// alone are megabytes): 25 MB of a gateway's resident memory at start, 12 MB of it still after a full GC.
import { setSourceMapsSupport } from "node:module";

setSourceMapsSupport(true);
