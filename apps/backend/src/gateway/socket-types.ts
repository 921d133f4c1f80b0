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
const USER_ROOM_PREFIX = "user:";

export function userRoom(userId: string): string {
  return USER_ROOM_PREFIX + userId;
}

/** The user a room belongs to, or undefined for socket.io's own per-socket rooms. */
export function userOfRoom(room: string): string | undefined {
  return room.startsWith(USER_ROOM_PREFIX) ? room.slice(USER_ROOM_PREFIX.length) : undefined;
}
