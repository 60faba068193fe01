// Checksums for journal records: CRC-32C (the polynomial of LevelDB, ext4 and iSCSI) and SHA-256.
#include "cjournal.h"
#include <sys/vfs.h>
#include <string.h>

static uint32_t table[256];
static int table_ready = 0;

static void build_table(void) {
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++) c = (c & 1) ? (c >> 1) ^ 0x82F63B78u : c >> 1;
        table[i] = c;
    }
    table_ready = 1;
}

static uint32_t crc32c_soft(uint32_t crc, const uint8_t *p, size_t n) {
    if (!table_ready) build_table();
    while (n--) crc = table[(crc ^ *p++) & 0xFF] ^ (crc >> 8);
    return crc;
}

#if defined(__x86_64__)
__attribute__((target("sse4.2")))
static uint32_t crc32c_hw(uint32_t crc, const uint8_t *p, size_t n) {
    uint64_t c = crc;
    while (n >= 8) {
        uint64_t v;
        memcpy(&v, p, 8);
        c = __builtin_ia32_crc32di(c, v);
        p += 8;
        n -= 8;
    }
    uint32_t c32 = (uint32_t)c;
    while (n--) c32 = __builtin_ia32_crc32qi(c32, *p++);
    return c32;
}

static int has_sse42(void) {
    static int cached = -1;
    if (cached < 0) {
        __builtin_cpu_init();
        cached = __builtin_cpu_supports("sse4.2") ? 1 : 0;
    }
    return cached;
}
#endif

uint32_t rounds_crc32c(uint32_t crc, const void *data, size_t length) {
    const uint8_t *p = (const uint8_t *)data;
    crc = ~crc;
#if defined(__x86_64__)
    if (has_sse42()) return ~crc32c_hw(crc, p, length);
#endif
    return ~crc32c_soft(crc, p, length);
}

// Provided by swift-crypto's BoringSSL (symbols carry its CCryptoBoringSSL_ prefix).
extern uint8_t *CCryptoBoringSSL_SHA256(const uint8_t *data, size_t len, uint8_t out[32]);

void rounds_sha256(const void *data, size_t length, uint8_t digest[32]) {
    CCryptoBoringSSL_SHA256((const uint8_t *)data, length, digest);
}

unsigned long rounds_fs_type(int fd) {
    struct statfs fs;
    return fstatfs(fd, &fs) == 0 ? (unsigned long)fs.f_type : 0;
}
