/*
 * store_fault.h — the store's fault injection (test builds only; see
 * store_fault.c): failed writes and syncs under FAIRMATCH_FAULT.
 */
#ifndef FM_STORE_FAULT_H
#define FM_STORE_FAULT_H

/* Puts the fault VFS in front of SQLite's if FAIRMATCH_FAULT asks; else nothing. */
void	store_fault_install(void);

#endif
