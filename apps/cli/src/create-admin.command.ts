import { DataSource } from 'typeorm';
// The CLI is bundled like the apps; it shares the api's password hashing so both verify alike.
import { hashPassword } from '../../api/src/auth/passwords';

async function readPassword(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0] ?? '';
}

/** Creates an admin, or promotes an existing account, with the password read from standard input. */
export async function createAdmin(dataSource: DataSource, email: string): Promise<string> {
  const normalized = email.trim().toLowerCase();
  if (!/^[^@\s]+@[^@\s]+$/.test(normalized)) throw new Error('--email must be an email address');
  const password = await readPassword();
  if (password.length < 10) throw new Error('the password (first line of standard input) must be at least 10 characters');
  const passwordHash = await hashPassword(password);
  const [row] = (await dataSource.query(
    `INSERT INTO users (email, name, password_hash, role) VALUES ($1, 'Administrator', $2, 'admin')
     ON CONFLICT (email) DO UPDATE SET role = 'admin', password_hash = EXCLUDED.password_hash, disabled = false, updated_at = now()
     RETURNING (xmax = 0) AS created`,
    [normalized, passwordHash],
  )) as { created: boolean }[];
  return row.created ? `Created admin ${normalized}` : `Promoted ${normalized} to admin and set its password`;
}
