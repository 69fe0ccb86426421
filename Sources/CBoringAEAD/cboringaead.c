// Declarations only (include/cboringaead.h); the functions come from swift-crypto.
