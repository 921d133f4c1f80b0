import type { TopicId, TopicValue } from "./topics";

const message = {
  message_id: 789,
  conversation_id: "conv-456",
  seq: 102,
  sender_id: "user-123",
  client_msg_id: "c-7f3a",
  content_type: "text",
  content: "你好, GoChat",
  created_at_ms: 1678886400123,
} as const;

/**
 * One valid body per topic, in the seed's own example values where it gives them. Used by the contract
 * tests, the docs and any test that needs a well-formed record.
 */
export const EXAMPLE_BODIES: { [T in TopicId]: TopicValue<T> } = {
  upstream: {
    kind: "message",
    conversation_id: "conv-456",
    sender_id: "user-123",
    gateway_id: "gateway-abc",
    received_at_ms: 1678886400100,
    client_msg_id: "c-7f3a",
    content_type: "text",
    content: "你好, GoChat",
  },
  downstream: { kind: "message", recipients: ["user-123", "user-456"], message },
  fanout: {
    task_id: "0b7c9a52-5d0e-4f47-9f4e-3a4a1c1f2e10",
    group_id: "group-789",
    message,
    member_count: 5000,
    created_at_ms: 1678886400200,
  },
  persist: { message },
  userEvents: {
    event_id: "3f1c2b7e-9a4d-4c1e-8b2a-5d6e7f809a1b",
    event_type: "user.online",
    timestamp: 1678886400,
    user_id: "user-123",
    payload: { last_seen: 1678886400, gateway_id: "gateway-abc" },
  },
  messageEvents: {
    event_id: "6a2d4e8f-1b3c-4d5e-9f70-8a1b2c3d4e5f",
    event_type: "message.read",
    timestamp: 1678886400,
    conversation_id: "conv-456",
    operator_id: "user-123",
    payload: { message_id: 789, seq_id: 102 },
  },
  notifications: {
    event_id: "9c8b7a6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d",
    event_type: "group.invited",
    timestamp: 1678886400,
    target_user_id: "user-123",
    payload: { group_id: "group-789", inviter_id: "user-456", group_name: "技术交流群" },
  },
  notificationEvents: {
    event_id: "1d2c3b4a-5e6f-4a7b-8c9d-0e1f2a3b4c5d",
    event_type: "notification.delivered",
    timestamp: 1678886401,
    target_user_id: "user-123",
    payload: {
      notification_event_id: "9c8b7a6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d",
      notification_type: "group.invited",
      channel: "email",
      status: "sent",
    },
  },
  deadLetter: {
    source_topic: "gochat.messages.upstream",
    source_partition: 3,
    source_offset: "42",
    consumer_group: "logic.upstream.group",
    reason_code: "MALFORMED_JSON",
    reason: "body is not JSON",
    failed_at_ms: 1678886400300,
    key_base64: null,
    value_base64: Buffer.from("{not json").toString("base64"),
  },
};
