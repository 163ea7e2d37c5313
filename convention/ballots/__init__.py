"""Secret ballots that no one can open and anyone can verify: exponential ElGamal in the
ElectionGuard standard group, the proofs that make each encrypted ballot checkable, the
guarantors' key ceremony (k of n) and the threshold decryption of the tally alone.

Implemented from the public ElectionGuard specification (version 1.0: baseline parameters,
key generation, ballot encryption, verifiable decryption) and the papers it cites (ElGamal
1985, Chaum-Pedersen 1992, Cramer-Damgård-Schoenmakers 1994, Feldman 1987, Pedersen 1991).
A pure package: the standard library only (gmpy2 is used when it is installed), no Flask, no
database, so the guarantors' tool and the public checker run it on any computer.
"""
