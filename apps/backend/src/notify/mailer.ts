import type { NotificationEvent } from "@gochat/contracts";
import { createTransport, type Transporter } from "nodemailer";

export interface Mailer {
  send(to: string, event: NotificationEvent): Promise<void>;
  close(): void;
}

/** The subject and text of a notification e-mail, in plain words. */
export function composeEmail(event: NotificationEvent): { subject: string; text: string } {
  switch (event.event_type) {
    case "group.invited":
      return {
        subject: `You were added to ${event.payload.group_name}`,
        text: `You are now a member of the group "${event.payload.group_name}" on GoChat.`,
      };
    case "friend.request":
      return {
        subject: `${event.payload.requester_name} wants to be friends`,
        text: `${event.payload.requester_name} sent you a friend request on GoChat.`,
      };
    case "friend.accepted":
      return {
        subject: `${event.payload.accepter_name} accepted your friend request`,
        text: `You and ${event.payload.accepter_name} are now friends on GoChat.`,
      };
    case "group.announcement.updated":
      return {
        subject: `New announcement in ${event.payload.group_name}`,
        text: `The announcement of "${event.payload.group_name}" now reads:\n\n${event.payload.announcement}`,
      };
  }
}

/** E-mail over SMTP (nodemailer), e.g. `smtp://mail.example.com:587`; the message id is the event id. */
export function createMailer(smtpUrl: string, from: string): Mailer {
  // nodemailer waits minutes by default; a mail server that stops answering must fail fast instead of
  // outlasting the consumer's session and getting the notification delivered twice.
  const transport: Transporter = createTransport(smtpUrl, {
    connectionTimeout: 3_000,
    greetingTimeout: 3_000,
    socketTimeout: 5_000,
  });
  return {
    async send(to, event) {
      const { subject, text } = composeEmail(event);
      await transport.sendMail({ from, to, subject, text, messageId: `<${event.event_id}@gochat>` });
    },
    close: () => {
      transport.close();
    },
  };
}
