"""What every kind of case shares, by composition: the core (stages, records, letters,
closing), the mailbox (messages answered exactly once), chasing (due dates, reminders,
escalation, paused clocks), effects (activities), approvals and children."""
