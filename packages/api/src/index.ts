export { appRouter, createCaller, type AppRouter } from "./root";
export {
  createApiContext,
  createRequestContext,
  SERVICE_CREDENTIAL_HEADER,
  type ApiContext,
  type ApiDeps,
} from "./context";
export type { SessionTokens, UserView } from "./services/session-tokens";
export type { AcceptedMessage } from "./services/accept-message";
