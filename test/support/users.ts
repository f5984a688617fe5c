import { randomBytes } from 'node:crypto';
import { HttpClient } from './http-client';

export interface TestUser {
  id: string;
  email: string;
  password: string;
  token: string;
}

export async function registerUser(http: HttpClient, prefix = 'user'): Promise<TestUser> {
  const email = `${prefix}-${randomBytes(5).toString('hex')}@example.com`;
  const password = `pw-${randomBytes(8).toString('hex')}`;
  const response = await http.post('/auth/register', { email, password, name: prefix });
  if (response.status !== 201) throw new Error(`register failed: ${response.status} ${response.text}`);
  return { id: response.body.user.id, email, password, token: response.body.accessToken };
}

export async function loginAs(http: HttpClient, email: string, password: string): Promise<string> {
  const response = await http.post('/auth/login', { email, password });
  if (response.status !== 200) throw new Error(`login failed: ${response.status} ${response.text}`);
  return response.body.accessToken;
}
