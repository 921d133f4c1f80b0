export { appRouter, createCaller, type AppRouter } from "./root";
export { createApiContext, type ApiContext, type ApiDeps } from "./context";
export type { SessionTokens, UserView } from "./services/session-tokens";
