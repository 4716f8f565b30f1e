// Starts the real nginx on a rendered spec, in a temp prefix, on free loopback ports. The
// implementation lives in src/ so `edgekit bench` and the tests share it.
export { freePort, startNginx, type RunningNginx, type StartNginxOptions } from "../../src/nginx-check/run-nginx.js";
