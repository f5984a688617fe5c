import { HttpClient } from './http-client';
import { loginAs } from './users';

export const TEST_ADMIN = { email: 'admin@flowline.test', password: 'admin-password-for-tests' };

/** Changes a user as an admin would, through PATCH /admin/users/:id. */
export async function adminPatchUser(http: HttpClient, userId: string, change: Record<string, unknown>): Promise<void> {
  const token = await loginAs(http, TEST_ADMIN.email, TEST_ADMIN.password);
  const response = await http.patch(`/admin/users/${userId}`, change, { token });
  if (response.status !== 200) throw new Error(`admin update failed: ${response.status} ${response.text}`);
}
