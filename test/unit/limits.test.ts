import { test } from 'node:test';
import assert from 'node:assert/strict';
import { looksBinary, skipReason, tooLargeReason } from '../../src/engine/source/limits';

test('file size limit message', () => {
  assert.equal(tooLargeReason(50 * 1024 * 1024, 8 * 1024 * 1024), 'skipped: file too large (50 MB > 8 MB)');
  assert.equal(tooLargeReason(1024, 8 * 1024 * 1024), undefined);
  assert.equal(tooLargeReason(1.5 * 1024 * 1024, 1024 * 1024), 'skipped: file too large (1.5 MB > 1 MB)');
});

test('binary detection: NUL bytes or mostly control characters; text with tabs and form feeds is text', () => {
  assert.equal(looksBinary('#define A 1\n\tint x;\f\r\n'), false);
  assert.equal(looksBinary('ELF\0\x01\x02'), true);
  assert.equal(looksBinary(new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 0, 0])), true);
  assert.equal(looksBinary('\x01\x02\x03\x04abc'), true);
  assert.equal(looksBinary(''), false);
  assert.equal(looksBinary('caf\u00e9 \ufffd invalid UTF-8 shown as replacement'), false);
  assert.equal(skipReason(10, 'a\0b', 100), 'skipped: binary file');
  assert.equal(skipReason(2 * 1024 * 1024, 'text', 1024 * 1024), 'skipped: file too large (2 MB > 1 MB)');
  assert.equal(skipReason(100, 'text', 1024), undefined);
});
