#!/usr/bin/env node
// The `metrics-testkit` command. It lives outside dist/ so that the link pnpm makes at install
// time points at a file that exists before the first build.
await import('../dist/cli.js');
