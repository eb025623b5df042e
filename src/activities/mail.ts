/** SMTP client for the failure mails DLRN sends maintainers. */
import nodemailer from 'nodemailer';
import { buildFailureBody, buildFailureSubject, type BuildFailureDetails } from '../domain/notifications';

export interface MailerConfig {
  host: string;
  port: number;
  /** Implicit TLS (port 465). Otherwise STARTTLS is used when the server offers it. */
  secure?: boolean;
  user?: string;
  password?: string;
  from: string;
}

export type BuildFailureMail = BuildFailureDetails & { maintainers: string[] };

/** A plain-text message with its own headers (release announcements). */
export interface TextMail {
  from: string;
  to: string;
  replyTo?: string;
  subject: string;
  text: string;
}

export interface Mailer {
  sendBuildFailure(msg: BuildFailureMail): Promise<{ messageId: string }>;
  sendText(msg: TextMail): Promise<{ messageId: string }>;
}

export function createMailer(cfg: MailerConfig): Mailer {
  // One connection per message (no pool): failures are rare, and an activity
  // must not keep sockets open between attempts.
  const transport = nodemailer.createTransport({
    host: cfg.host,
    port: cfg.port,
    secure: cfg.secure ?? false,
    auth: cfg.user ? { user: cfg.user, pass: cfg.password ?? '' } : undefined,
    // Bounded, so an unreachable relay fails the activity attempt instead of hanging it.
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
  });
  return {
    async sendBuildFailure(msg) {
      const to = msg.maintainers.map((m) => m.trim()).filter(Boolean);
      if (to.length === 0) throw new Error(`no maintainers to notify about ${msg.packageName}`);
      const info = await transport.sendMail({
        from: cfg.from,
        to,
        subject: buildFailureSubject(msg.packageName),
        text: buildFailureBody(msg),
      });
      return { messageId: info.messageId };
    },
    async sendText(msg) {
      const info = await transport.sendMail({ from: msg.from, to: msg.to, replyTo: msg.replyTo, subject: msg.subject, text: msg.text });
      return { messageId: info.messageId };
    },
  };
}
