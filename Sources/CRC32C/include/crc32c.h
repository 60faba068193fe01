#ifndef ROUNDS_CRC32C_H
#define ROUNDS_CRC32C_H
#include <stddef.h>
#include <stdint.h>

/// CRC-32C (Castagnoli) of `length` bytes at `data`, continuing from `crc` (pass 0 to start).
/// Uses the SSE 4.2 crc32 instruction when the CPU has it, otherwise a table.
uint32_t rounds_crc32c(uint32_t crc, const void *data, size_t length);

#endif
