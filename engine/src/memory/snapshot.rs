//! A value computed from the memory store and kept between requests (the engine keeps the current
//! facts, which autofill asks for on every form), which a write must never let outlive it.
//!
//! The trap it closes: a read that started before a write finishes after the write has dropped the
//! kept value, and keeps what it read — the deleted fact comes back. Each write moves a generation
//! counter when it starts *and* when it ends; a read keeps its value only when the generation it saw
//! before reading is still the current one.

use std::cell::{Cell, RefCell};

/// The kept value and its generation. Single-threaded (the engine runs on one thread in the page).
#[derive(Debug)]
pub struct Snapshot<T> {
    generation: Cell<u64>,
    value: RefCell<Option<T>>,
}

impl<T> Default for Snapshot<T> {
    fn default() -> Self {
        Snapshot { generation: Cell::new(0), value: RefCell::new(None) }
    }
}

/// What a read saw before it read: pass it back to [`Snapshot::keep`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ticket(u64);

impl<T: Clone> Snapshot<T> {
    /// The kept value, if any.
    pub fn get(&self) -> Option<T> {
        self.value.borrow().clone()
    }

    /// Call before reading the store.
    pub fn ticket(&self) -> Ticket {
        Ticket(self.generation.get())
    }

    /// Keeps `value` read under `ticket`, unless a write started or ended since; returns whether it
    /// was kept.
    pub fn keep(&self, ticket: Ticket, value: T) -> bool {
        if ticket.0 != self.generation.get() {
            return false;
        }
        self.value.replace(Some(value));
        true
    }

    /// Call when a write starts and again when it ends (whether it succeeded or not).
    pub fn invalidate(&self) {
        self.generation.set(self.generation.get().wrapping_add(1));
        self.value.replace(None);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_read_that_overlaps_a_write_does_not_keep_what_it_read() {
        let s: Snapshot<Vec<&str>> = Snapshot::default();
        // A read starts, then a forget starts before the read is done.
        let read = s.ticket();
        s.invalidate();
        assert!(!s.keep(read, vec!["old phone"]), "the read began before the write");
        assert_eq!(s.get(), None);
        // A read that starts after the write began but reads before the write is applied.
        let read = s.ticket();
        assert!(s.keep(read, vec!["old phone"]));
        s.invalidate(); // the write ends
        assert_eq!(s.get(), None, "the end of the write drops what was read during it");
        // After the write, a read keeps its value.
        let read = s.ticket();
        assert!(s.keep(read, vec![]));
        assert_eq!(s.get(), Some(vec![]));
    }
}
