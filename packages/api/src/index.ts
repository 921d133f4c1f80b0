export {
  appRouter,
  createCaller,
  internalApiRouter,
  publicRouter,
  type AppRouter,
  type InternalApiRouter,
  type PublicRouter,
} from "./root";
export {
  createApiContext,
  createRequestContext,
  SERVICE_CREDENTIAL_HEADER,
  type ApiContext,
  type ApiDeps,
} from "./context";
export {
  createInternalApiServer,
  createPublicApiServer,
  INTERNAL_API_LIMITS,
  PUBLIC_API_LIMITS,
  type ApiServerLimits,
} from "./http-server";
export { AuthThrottle, DEFAULT_AUTH_LIMITS, type AuthLimits } from "./services/auth-throttle";
export type { SessionTokens, UserView } from "./services/session-tokens";
export type { AcceptedMessage } from "./services/accept-message";
