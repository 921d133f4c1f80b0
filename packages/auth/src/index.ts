export {
  issueAccessToken,
  MIN_SECRET_BYTES,
  verifyAccessToken,
  type AccessTokenClaims,
} from "./access-token";
export { isServiceCredential, serviceCredential } from "./service-credential";
