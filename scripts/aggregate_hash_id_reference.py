#!/usr/bin/env python3
"""Reference values of crm::hash_id (FNV-1a 64, then the MurmurHash3 fmix64 finalizer), computed
independently of the C++ code; tests/aggregate_ids_test.cpp checks them. Run: python3 scripts/aggregate_hash_id_reference.py"""
M = (1 << 64) - 1


def hash_id(s: str) -> int:
    x = 0xcbf29ce484222325  # FNV-1a 64 offset basis
    for c in s.encode():
        x ^= c
        x = (x * 0x100000001b3) & M  # FNV 64 prime
    x ^= x >> 33
    x = (x * 0xff51afd7ed558ccd) & M
    x ^= x >> 33
    x = (x * 0xc4ceb9fe1a85ec53) & M
    x ^= x >> 33
    return x


for s in ["", "a", "alice@example.com", "customer-000001"]:
    print(repr(s), hex(hash_id(s)))
