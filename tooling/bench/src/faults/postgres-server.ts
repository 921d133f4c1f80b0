import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

/** Debian's PostgreSQL binaries; the newest installed major version. */
function postgresBinDir(): string {
  const root = "/usr/lib/postgresql";
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((name) => /^\d+$/.test(name))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  const dir = versions
    .map((version) => join(root, version, "bin"))
    .find((bin) => existsSync(join(bin, "postgres")));
  if (dir === undefined) throw new Error(`no PostgreSQL server binaries under ${root}`);
  return dir;
}

/**
 * A PostgreSQL server of the fault suite's own, on loopback, in a fresh data directory, so that crashing it
 * harms nothing else on the machine. The server refuses to run as root, so when the suite runs as root it
 * runs as the `postgres` user, as the distribution's own server does.
 */
export class PostgresServer {
  readonly url: string;
  readonly #bin = postgresBinDir();
  readonly #dataDir: string;
  readonly #port: number;
  #server: ChildProcess | undefined;

  /** In a directory of its own: the server's user must be able to reach it, which a 0700 work dir forbids. */
  constructor(port: number) {
    const base = mkdtempSync(join(tmpdir(), "gochat-faults-postgres-"));
    chmodSync(base, 0o755);
    this.#dataDir = join(base, "data");
    this.#port = port;
    this.url = `postgresql://gochat@127.0.0.1:${port}/postgres`;
  }

  #asServerUser(command: string, args: string[]): [string, string[]] {
    if (process.getuid?.() !== 0) return [command, args];
    return ["runuser", ["-u", "postgres", "--", command, ...args]];
  }

  /** Creates the cluster (superuser `gochat`, trust on loopback) and starts it. */
  async init(): Promise<void> {
    mkdirSync(this.#dataDir, { recursive: true });
    if (process.getuid?.() === 0) {
      const uid = Number(spawnSync("id", ["-u", "postgres"], { encoding: "utf8" }).stdout.trim());
      const gid = Number(spawnSync("id", ["-g", "postgres"], { encoding: "utf8" }).stdout.trim());
      if (!Number.isInteger(uid) || !Number.isInteger(gid))
        throw new Error("no postgres user to run the server as");
      chownSync(this.#dataDir, uid, gid);
    }
    const [command, args] = this.#asServerUser(join(this.#bin, "initdb"), [
      "-D",
      this.#dataDir,
      "-U",
      "gochat",
      "-A",
      "trust",
      "--no-sync",
    ]);
    const init = spawnSync(command, args, { encoding: "utf8" });
    if (init.status !== 0) throw new Error(`initdb failed: ${init.stderr || init.stdout}`);
    await this.start();
  }

  /** Starts the server on the existing cluster and waits until it accepts connections. */
  async start(): Promise<number> {
    const started = Date.now();
    const [command, args] = this.#asServerUser(join(this.#bin, "postgres"), [
      "-D",
      this.#dataDir,
      "-p",
      String(this.#port),
      "-k",
      this.#dataDir,
      "-c",
      "listen_addresses=127.0.0.1",
      "-c",
      "max_connections=200",
    ]);
    // Its own process group, so that a crash can take the postmaster and every backend at once.
    this.#server = spawn(command, args, { detached: true, stdio: "ignore" });
    const ready = join(this.#bin, "pg_isready");
    while (Date.now() - started < 30_000) {
      const probe = spawnSync(ready, ["-q", "-h", "127.0.0.1", "-p", String(this.#port)]);
      if (probe.status === 0) return Date.now() - started;
      if (this.#server.exitCode !== null) throw new Error("the PostgreSQL server exited at start");
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error("the PostgreSQL server was not ready within 30 s");
  }

  /**
   * A crash: SIGKILL to the postmaster and every backend at once, as a machine or container failure would.
   * The next start replays the write-ahead log.
   */
  async crash(): Promise<void> {
    const server = this.#server;
    if (server?.pid === undefined) return;
    const exited = new Promise((resolve) => server.once("exit", resolve));
    try {
      process.kill(-server.pid, "SIGKILL");
    } catch {
      // Already gone.
    }
    if (server.exitCode === null && server.signalCode === null) await exited;
    // The backends are in the same group; wait until none holds the data directory's shared memory.
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline && this.#groupAlive(server.pid)) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  #groupAlive(pgid: number): boolean {
    try {
      process.kill(-pgid, 0);
      return true;
    } catch {
      return false;
    }
  }

  /** Stops the server (a fast shutdown), waits until none of its processes is left, and removes its data. */
  async stop(): Promise<void> {
    await this.#shutDown();
    rmSync(dirname(this.#dataDir), { recursive: true, force: true });
  }

  async #shutDown(): Promise<void> {
    const pid = this.#server?.pid;
    if (pid === undefined || !this.#groupAlive(pid)) return;
    process.kill(-pid, "SIGINT");
    const deadline = Date.now() + 10_000;
    while (this.#groupAlive(pid)) {
      if (Date.now() > deadline) process.kill(-pid, "SIGKILL");
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}
