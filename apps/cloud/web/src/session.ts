/**
 * Who is signed in: the API token (kept in this browser's localStorage until sign-out), the
 * client that sends it, and the principal `GET /me` returned. Every page reads it from context.
 */
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import { ApiClient } from '../../src/client/http';
import type { LiveFeed } from './live';

export type Role = 'viewer' | 'scientist' | 'admin';

/** `GET /me`. */
export interface Me {
  readonly name: string;
  readonly role: Role;
  readonly tokenId: string;
}

export interface Session {
  readonly client: ApiClient;
  readonly me: Me;
  readonly live: LiveFeed;
  readonly signOut: () => void;
}

const TOKEN_KEY = 'sdfl.token';

export const savedToken = (): string | null => localStorage.getItem(TOKEN_KEY);
export const saveToken = (token: string): void => localStorage.setItem(TOKEN_KEY, token);
export const forgetToken = (): void => localStorage.removeItem(TOKEN_KEY);

/** A client of this server's API with `token`. */
export const clientFor = (token: string): ApiClient => new ApiClient({ url: location.origin, token });

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession outside a signed-in page');
  return s;
}

const RANK: Record<Role, number> = { viewer: 0, scientist: 1, admin: 2 };

/** Whether the signed-in user has at least `role` (the API checks again: this only hides actions). */
export function useCan(role: Role): boolean {
  return RANK[useSession().me.role] >= RANK[role];
}
