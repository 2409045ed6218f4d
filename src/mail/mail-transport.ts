import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import nodemailer, { type Transporter } from 'nodemailer';
import { MailSettings } from './mail-settings.js';

/** A mail ready to send. */
export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  html: string;
  /** Extra headers (List-Unsubscribe, List-Unsubscribe-Post). */
  headers?: Record<string, string>;
  /** The outbox row's id: the Message-ID's left part, the same on every attempt. */
  outboxId: string;
}

/**
 * The SMTP client (nodemailer) from SMTP_URL, or, in development without it, a transport that writes each mail as
 * an .eml file to MAIL_DEV_DIR and logs where. Answers the Message-ID, or throws what the server said.
 */
@Injectable()
export class MailTransport implements OnApplicationShutdown {
  private readonly logger = new Logger('Mail');
  private readonly transporter: Transporter | null;
  private readonly domain: string;

  constructor(private readonly settings: MailSettings) {
    this.domain = /@([^>\s]+)/.exec(settings.from)?.[1] ?? 'localhost';
    if (settings.mode === 'smtp') {
      // Bounded waits (nodemailer's defaults allow minutes): an attempt ends well within the worker's lease, so no
      // other instance takes the mail over while this one still talks to the server.
      this.transporter = nodemailer.createTransport(
        { url: settings.smtpUrl, connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 },
        { from: settings.from },
      );
    } else if (settings.mode === 'folder') {
      this.transporter = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' }, { from: settings.from });
    } else {
      this.transporter = null;
    }
  }

  async send(mail: OutgoingMail): Promise<string> {
    if (!this.transporter) throw new Error('mail is off: SMTP_URL is not set');
    const messageId = `<${mail.outboxId}@${this.domain}>`;
    const info = (await this.transporter.sendMail({
      to: mail.to,
      subject: mail.subject,
      text: mail.text,
      html: mail.html,
      headers: mail.headers,
      messageId,
    })) as { messageId?: string; message?: Buffer };
    if (this.settings.mode === 'folder' && info.message) {
      mkdirSync(this.settings.devDir, { recursive: true });
      // The mail as sent (.eml, for a mail program) and its plain text (.txt, for a person or a script to read).
      const base = join(this.settings.devDir, `${new Date().toISOString().replace(/[:.]/g, '-')}-${mail.outboxId}`);
      writeFileSync(`${base}.eml`, info.message);
      writeFileSync(`${base}.txt`, `To: ${mail.to}\nSubject: ${mail.subject}\n\n${mail.text}`);
      this.logger.log({ msg: 'mail written (development: no SMTP_URL)', to: mail.to, subject: mail.subject, file: `${base}.txt` });
    }
    return info.messageId ?? messageId;
  }

  onApplicationShutdown(): void {
    this.transporter?.close();
  }
}
