import { DataSource } from 'typeorm';
import { CredentialDecryptionError, EnvelopeCipher, resealCredential } from '@app/crypto';

interface Row {
  id: string;
  owner_id: string;
  key_id: string;
  iv: Buffer;
  auth_tag: Buffer;
  ciphertext: Buffer;
}

export interface RotationReport {
  activeKeyId: string;
  moved: number;
  /** Ids of rows no configured key could open; they are left as they are. */
  failed: string[];
}

/**
 * Re-encrypts every credential not yet under the active key, one batch per
 * transaction (rows locked while they change). Walks the table by id, so a row
 * that cannot be decrypted is reported once and skipped, and running it again
 * only touches what is still left.
 */
export async function rotateCredentialKeys(
  dataSource: DataSource,
  cipher: EnvelopeCipher,
  batchSize: number,
  progress: (line: string) => void,
): Promise<RotationReport> {
  const report: RotationReport = { activeKeyId: cipher.activeKeyId, moved: 0, failed: [] };
  let after = '00000000-0000-0000-0000-000000000000';
  for (;;) {
    const batch = await dataSource.transaction(async (manager) => {
      const rows = (await manager.query(
        `SELECT id, owner_id, key_id, iv, auth_tag, ciphertext FROM credentials
          WHERE key_id <> $1 AND id > $2 ORDER BY id LIMIT $3 FOR UPDATE`,
        [cipher.activeKeyId, after, batchSize],
      )) as Row[];
      let moved = 0;
      for (const row of rows) {
        try {
          const envelope = resealCredential(
            cipher,
            { id: row.id, ownerId: row.owner_id },
            { keyId: row.key_id, iv: row.iv, authTag: row.auth_tag, ciphertext: row.ciphertext },
          );
          await manager.query(`UPDATE credentials SET key_id = $2, iv = $3, auth_tag = $4, ciphertext = $5 WHERE id = $1`, [
            row.id,
            envelope.keyId,
            envelope.iv,
            envelope.authTag,
            envelope.ciphertext,
          ]);
          moved++;
        } catch (error) {
          if (!(error instanceof CredentialDecryptionError)) throw error;
          report.failed.push(row.id);
        }
      }
      return { rows: rows.length, last: rows.at(-1)?.id, moved };
    });
    report.moved += batch.moved;
    if (batch.moved > 0) progress(`  re-encrypted ${report.moved} so far`);
    if (!batch.last || batch.rows < batchSize) return report;
    after = batch.last;
  }
}
