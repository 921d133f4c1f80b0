export {
  accessRoles,
  issueAccessToken,
  MIN_SECRET_BYTES,
  verifyAccessToken,
  type AccessRole,
  type AccessTokenClaims,
} from "./access-token";
export {
  acceptsServiceCredential,
  isServiceCredential,
  SERVICE_CREDENTIAL_HEADER,
  serviceCredential,
} from "./service-credential";
export { authorizeOperator, type OperatorAccess } from "./operator-access";
