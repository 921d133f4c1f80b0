// Gives carol and dave (demo users, friends) a direct conversation 10,000 messages long, for the journey
// that scrolls all the way back through it. Run against the data directory before the system starts.
import {
  getOrCreateDirectConversation,
  insertMessages,
  nextMessageIds,
  openDatabaseFromEnv,
  readDbEnv,
} from "@gochat/db/server";

export const LONG_HISTORY = 10_000;

const database = await openDatabaseFromEnv(readDbEnv(), { migrate: true });
try {
  const conversation = await getOrCreateDirectConversation(database.prisma, "user-carol", "user-dave");
  const start = Date.now() - LONG_HISTORY * 60_000;
  for (let from = 1; from <= LONG_HISTORY; from += 1_000) {
    const ids = await nextMessageIds(database.prisma, 1_000);
    await insertMessages(
      database.prisma,
      ids.map((id, index) => {
        const seq = from + index;
        return {
          message_id: id,
          conversation_id: conversation.id,
          seq,
          sender_id: seq % 2 === 0 ? "user-carol" : "user-dave",
          client_msg_id: `history-${seq}`,
          content_type: "text" as const,
          // One a minute, so the timeline crosses about a week of date separators.
          content: `History message ${seq}`,
          created_at_ms: start + seq * 60_000,
        };
      }),
    );
  }
  console.log(`seeded ${LONG_HISTORY} messages between carol and dave`);
} finally {
  await database.close();
}
// The migration engine leaves a timer behind.
process.exit(0);
