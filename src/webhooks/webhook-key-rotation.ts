import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { PrismaService } from '../prisma/prisma.service.js';
import { WebhookSettings } from './webhook-settings.js';

/** At start-up, re-encrypts the endpoints' secrets still under an older WEBHOOK_SECRET_KEY with the newest one (a key rotation). */
@Injectable()
export class WebhookKeyRotation implements OnApplicationBootstrap {
  private readonly logger = new Logger('Webhooks');

  constructor(
    private readonly prisma: PrismaService,
    private readonly settings: WebhookSettings,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const box = this.settings.secrets;
    if (!box) return;
    try {
      const rows = await this.prisma.webhookEndpoint.findMany({ select: { id: true, secretCiphertext: true } });
      let resealed = 0;
      for (const row of rows.filter((r) => box.isStale(r.secretCiphertext))) {
        const sealed = box.seal(box.open(row.secretCiphertext, row.id), row.id);
        // Only if nobody changed it meanwhile (another instance doing the same, a rotation through the API).
        resealed += (
          await this.prisma.webhookEndpoint.updateMany({
            where: { id: row.id, secretCiphertext: row.secretCiphertext },
            data: { secretCiphertext: sealed },
          })
        ).count;
      }
      if (resealed) this.logger.log({ msg: 'webhook secrets re-encrypted with the newest WEBHOOK_SECRET_KEY', count: resealed });
    } catch (err) {
      this.logger.error({ msg: 'could not re-encrypt webhook secrets; older keys stay needed', err: (err as Error).message });
    }
  }
}
