const LEGAL = /^[a-zA-Z0-9._-]+$/;
const MAX_LENGTH = 249;

/** Kafka's own topic name rule; it also keeps names safe to use as directory names. */
export function isValidTopicName(name: string): boolean {
  return name.length > 0 && name.length <= MAX_LENGTH && name !== "." && name !== ".." && LEGAL.test(name);
}
