-- SPDX-License-Identifier: MIT
-- Each user's language for the web pages and the API's messages: 'ja' or
-- 'en'; NULL follows the browser (Accept-Language).
ALTER TABLE users ADD COLUMN lang TEXT CHECK (lang IS NULL OR lang IN ('ja', 'en'));
