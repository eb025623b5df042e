/**
 * A real SMTP server on loopback that keeps what it receives, parsed, so mail
 * tests go through nodemailer's actual SMTP conversation.
 */
import type { AddressInfo } from 'node:net';
import { simpleParser, type AddressObject } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  /** SMTP envelope (MAIL FROM / RCPT TO), which is what actually routes the mail. */
  envelopeFrom: string;
  envelopeTo: string[];
  /** Header values. */
  from: string[];
  to: string[];
  subject: string;
  text: string;
  messageId: string;
  /** The authenticated user, if the client logged in. */
  user?: string;
}

export interface SmtpPeer {
  host: string;
  port: number;
  messages: ReceivedMail[];
  stop(): Promise<void>;
}

function addresses(field: AddressObject | AddressObject[] | undefined): string[] {
  return (Array.isArray(field) ? field : field ? [field] : []).flatMap((a) => a.value.map((v) => v.address ?? ''));
}

/** With `auth`, AUTH is required and only those credentials are accepted. */
export async function startSmtpPeer(opts: { auth?: { user: string; password: string } } = {}): Promise<SmtpPeer> {
  const messages: ReceivedMail[] = [];
  const server = new SMTPServer({
    // Plain SMTP on loopback: no certificate to trust, so no STARTTLS.
    disabledCommands: opts.auth ? ['STARTTLS'] : ['STARTTLS', 'AUTH'],
    allowInsecureAuth: true,
    authOptional: !opts.auth,
    logger: false,
    onAuth(auth, _session, callback) {
      if (auth.username === opts.auth?.user && auth.password === opts.auth?.password) callback(null, { user: auth.username });
      else callback(new Error('Invalid username or password'));
    },
    onData(stream, session, callback) {
      // Parse before answering, so the message is recorded once the client's sendMail resolves.
      simpleParser(stream)
        .then((mail) => {
          messages.push({
            envelopeFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            envelopeTo: session.envelope.rcptTo.map((r) => r.address),
            from: addresses(mail.from),
            to: addresses(mail.to),
            subject: mail.subject ?? '',
            text: mail.text ?? '',
            messageId: mail.messageId ?? '',
            user: typeof session.user === 'string' ? session.user : undefined,
          });
          callback();
        })
        .catch((err: Error) => callback(err));
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.server.address() as AddressInfo;
  return {
    host: '127.0.0.1',
    port,
    messages,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
