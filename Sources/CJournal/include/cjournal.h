// C helpers for the journal: checksums and file-system facts Swift's Glibc module does not export.
#ifndef ROUNDS_CJOURNAL_H
#define ROUNDS_CJOURNAL_H
#include <stddef.h>
#include <stdint.h>

/// CRC-32C (Castagnoli) of `length` bytes at `data`, continuing from `crc` (pass 0 to start).
/// Uses the SSE 4.2 crc32 instruction when the CPU has it, otherwise a table.
uint32_t rounds_crc32c(uint32_t crc, const void *data, size_t length);

/// SHA-256 of `length` bytes at `data` into `digest` (32 bytes), in one call. Uses the
/// BoringSSL that swift-crypto links into every Rounds binary, without swift-crypto's per-hash
/// context allocation (most of the cost on records of ~100 bytes). Tests check it against
/// swift-crypto's `SHA256`.
void rounds_sha256(const void *data, size_t length, uint8_t digest[32]);

/// The file system type (statfs f_type) of the file open at `fd`, or 0 when it cannot be told.
unsigned long rounds_fs_type(int fd);

#endif
