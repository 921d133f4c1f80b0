import { router } from "../../trpc";
import { meProcedure } from "./me";
import { refreshProcedure } from "./refresh";
import { signInProcedure } from "./sign-in";
import { signOutProcedure } from "./sign-out";
import { signUpProcedure } from "./sign-up";

export const authRouter = router({
  signUp: signUpProcedure,
  signIn: signInProcedure,
  refresh: refreshProcedure,
  signOut: signOutProcedure,
  me: meProcedure,
});
