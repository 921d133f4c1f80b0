import type { ClientToServerEvents, ServerToClientEvents } from "@gochat/contracts";
import type { Server, Socket } from "socket.io";

export interface SocketData {
  userId: string;
  sessionId: string;
}

export type GatewayServer = Server<
  ClientToServerEvents,
  ServerToClientEvents,
  Record<string, never>,
  SocketData
>;
export type GatewaySocket = Socket<
  ClientToServerEvents,
  ServerToClientEvents,
  Record<string, never>,
  SocketData
>;

/** Every socket of a user on this instance joins the user's room, so one emit reaches all their tabs. */
export function userRoom(userId: string): string {
  return `user:${userId}`;
}
