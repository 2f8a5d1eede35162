/**
 * drizzle-kit config of the edge database. Generate a migration after changing the schema:
 * `cd apps/edge && npx drizzle-kit generate`. The migrations are applied at open by `openEdgeDb`.
 */
import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'sqlite',
  schema: './src/store/schema.ts',
  out: './drizzle',
});
