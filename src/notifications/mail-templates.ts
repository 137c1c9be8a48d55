import { Inject, Injectable } from '@nestjs/common';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Handlebars from 'handlebars';
import { APP_CONFIG, AppConfig } from '../config/app-config';

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

/** What the shared layout needs from every email's data (the company name comes from config). */
interface Shared {
  accountName: string;
}

/**
 * Plain-text and HTML email, each wrapped in a shared layout with the
 * company's name. HTML templates escape every {{value}} (data from clients
 * and staff is never trusted as markup); text templates do not escape, since
 * a plain-text body has no markup to break.
 */
@Injectable()
export class MailTemplates {
  private readonly html = Handlebars.create();
  private readonly text = Handlebars.create();
  private readonly cache = new Map<string, HandlebarsTemplateDelegate>();

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  render(template: string, subject: string, data: Shared & Record<string, unknown>): RenderedMail {
    const shared = { ...data, companyName: this.config.mail.companyName, subject };
    const htmlBody = this.compiled('html', template)(shared);
    const textBody = this.compiled('text', template)(shared);
    return {
      // A subject is one header line: no line breaks from data.
      subject: subject.replace(/[\r\n]+/g, ' ').trim(),
      html: this.compiled('html', 'layout')({ ...shared, body: htmlBody }),
      text: `${this.compiled('text', 'layout')({ ...shared, body: textBody.trim() }).trim()}\n`,
    };
  }

  private compiled(format: 'html' | 'text', name: string): HandlebarsTemplateDelegate {
    const key = `${name}.${format}`;
    let t = this.cache.get(key);
    if (!t) {
      const source = readFileSync(join(__dirname, 'templates', `${key}.hbs`), 'utf8');
      t = format === 'html' ? this.html.compile(source, { strict: true }) : this.text.compile(source, { noEscape: true, strict: true });
      this.cache.set(key, t);
    }
    return t;
  }
}
