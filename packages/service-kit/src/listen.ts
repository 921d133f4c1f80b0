import { readdirSync, readFileSync, readlinkSync } from "node:fs";
import type { Server } from "node:net";

/** The address a listener could not bind, with what holds it when that can be found out. */
export class PortInUseError extends Error {
  readonly port: number;
  readonly host: string;

  constructor(what: string, host: string, port: number, holder: string | undefined) {
    super(
      `${what} cannot listen on ${host}:${port}: the port is in use` +
        (holder === undefined ? "" : ` by ${holder}`) +
        "; stop that process or choose another port",
    );
    this.name = "PortInUseError";
    this.port = port;
    this.host = host;
  }
}

/**
 * Binds `server` to host:port and resolves with the port it got (for port 0, the one the system chose).
 * A port already taken fails with a PortInUseError that names the port, what wanted it, and the
 * process that holds it, read from /proc on Linux, instead of a bare EADDRINUSE.
 */
export async function listenOn(server: Server, host: string, port: number, what: string): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      reject(error.code === "EADDRINUSE" ? new PortInUseError(what, host, port, portHolder(port)) : error);
    };
    server.once("error", onError);
    server.listen(port, host, () => {
      server.off("error", onError);
      resolve();
    });
  });
  const address = server.address();
  return typeof address === "object" && address !== null ? address.port : port;
}

/** `pid 1234 (node dist/repo.js)` for the process listening on a TCP port, when /proc tells. */
export function portHolder(port: number): string | undefined {
  const inodes = new Set<string>();
  for (const table of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    let text: string;
    try {
      text = readFileSync(table, "utf8");
    } catch {
      continue;
    }
    for (const line of text.split("\n").slice(1)) {
      const fields = line.trim().split(/\s+/);
      const local = fields[1];
      // State 0A is LISTEN.
      if (local === undefined || fields[3] !== "0A") continue;
      if (Number.parseInt(local.slice(local.lastIndexOf(":") + 1), 16) === port && fields[9] !== undefined)
        inodes.add(fields[9]);
    }
  }
  if (inodes.size === 0) return undefined;
  for (const pid of safeList("/proc").filter((name) => /^\d+$/.test(name))) {
    for (const fd of safeList(`/proc/${pid}/fd`)) {
      let target: string;
      try {
        target = readlinkSync(`/proc/${pid}/fd/${fd}`);
      } catch {
        continue;
      }
      const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
      if (inode !== undefined && inodes.has(inode)) return `pid ${pid} (${commandLine(pid)})`;
    }
  }
  return "another process";
}

function safeList(directory: string): string[] {
  try {
    return readdirSync(directory);
  } catch {
    return [];
  }
}

function commandLine(pid: string): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter(Boolean).join(" ").slice(0, 200);
  } catch {
    return "unknown";
  }
}
