export { acquireOwnerLock, type LockOwner, type OwnerLock } from "./owner-lock";
