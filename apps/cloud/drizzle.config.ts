/**
 * drizzle-kit config of the cloud database. After changing src/db/schema.ts:
 * `cd apps/cloud && npx drizzle-kit generate`. Migrations are applied at open by `openDatabase`.
 */
import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'postgresql',
  schema: './src/db/schema.ts',
  out: './drizzle',
});
