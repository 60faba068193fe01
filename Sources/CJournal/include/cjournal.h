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

/// Group commit (Commit.swift): atomic operations on words of the shared commit file, which
/// every process maps, and a futex to sleep on one of them. Swift's atomics cover only memory
/// Swift allocates, not a shared mapping.
uint64_t rounds_load64(const volatile uint64_t *word);
/// Raises `*word` to `value` unless it is already higher; returns the value it holds after.
uint64_t rounds_raise64(volatile uint64_t *word, uint64_t value);
void rounds_store64(volatile uint64_t *word, uint64_t value);
uint32_t rounds_load32(const volatile uint32_t *word);
void rounds_store32(volatile uint32_t *word, uint32_t value);
/// Sets `*word` from `expected` to `desired`; true when it held `expected`.
int rounds_cas32(volatile uint32_t *word, uint32_t expected, uint32_t desired);
uint32_t rounds_add32(volatile uint32_t *word, uint32_t delta);
/// Sleeps while `*word == expected`, at most `timeout_ns` (a shared futex: other processes
/// wake it). Returns at once when the word already differs. Returns 1 when the time ran out.
int rounds_futex_wait(volatile uint32_t *word, uint32_t expected, long timeout_ns);
void rounds_futex_wake_all(volatile uint32_t *word);
/// Wakes at most `count` processes sleeping on `word`.
void rounds_futex_wake(volatile uint32_t *word, int count);
/// Marks the commit file open at `fd` as held by a live writer: a shared open-file-description
/// lock on its byte 1, released when the file is closed or the process ends. 0 on success.
int rounds_hold_writer_mark(int fd);
/// 1 when a writer other than this open file holds the mark, 0 when none, -1 on error.
int rounds_writer_mark_held(int fd);

#endif
