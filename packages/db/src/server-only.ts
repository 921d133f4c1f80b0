// Resolved instead of ./server.ts under the "browser" export condition: a browser bundle that reaches for
// the database client fails at build time rather than shipping credentials-bearing server code.
throw new Error("@gochat/db/server is server-only and cannot be imported into a browser bundle.");
