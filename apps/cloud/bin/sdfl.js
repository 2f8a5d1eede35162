#!/usr/bin/env node
// The cloud is TypeScript run through tsx (no build step); this shim registers it and starts the CLI.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli.ts');
