#!/usr/bin/env node
// The README's screenshots, taken from a running demo platform (npm start on an empty DATA_DIR):
//   BASE_URL=http://localhost:3000 node scripts/readme-screenshots.js
// Needs Debian's chromium (/usr/bin/chromium).
'use strict';
const path = require('node:path');
const { chromium } = require('playwright-core');
(async () => {
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'] });
  const base = process.env.BASE_URL || 'http://localhost:3000';
  async function signIn(page, login) {
    await page.goto(base + '/login');
    await page.locator('input[name=login]').fill(login);
    await page.locator('input[type=password]').first().fill('VanHoaCongVu@2026');
    await page.locator('main button[type=submit]').first().click();
    await page.waitForURL(base + '/');
  }
  const desk = await browser.newPage({ viewport: { width: 1280, height: 800 }, locale: 'vi-VN' });
  await signIn(desk, 'demo.coordinator');
  await desk.screenshot({ path: path.join(__dirname, '..', 'docs', 'screenshots', 'coordinator-home.png') });
  await desk.goto(base + '/officers/import');
  await desk.screenshot({ path: path.join(__dirname, '..', 'docs', 'screenshots', 'import.png') });
  const phone = await browser.newPage({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, locale: 'vi-VN' });
  await signIn(phone, 'demo.officer');
  await phone.screenshot({ path: path.join(__dirname, '..', 'docs', 'screenshots', 'officer-home-phone.png') });
  await browser.close();
})().catch((e) => { console.error(e); process.exit(1); });
