-- The destination's own ids of the records a sync pushed (HubSpot contact id, Salesforce record id, Marketo lead id),
-- remembered from confirmed upserts, so that a CRM webhook naming only that id (a contact's creation or deletion)
-- maps back to its learner (issue 12 §3). One id per learner per sync: a learner's new id replaces its old one.
-- An index, not the truth: the sync's state is. state_key names the sync's state generation the id was learnt
-- under (sync key and state id: another destination holds other ids); rows go with the sync and its retired states.
CREATE TABLE destination_record_ids (
    sync_key        VARCHAR(100) NOT NULL REFERENCES syncs (sync_key) ON DELETE CASCADE,
    record_id       VARCHAR(255) NOT NULL,
    state_key       VARCHAR(200) NOT NULL,
    learner_key     VARCHAR(1000) NOT NULL,
    destination_key VARCHAR(1000) NOT NULL,
    updated_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (sync_key, record_id)
);
-- a learner's id (replaced on upsert, dropped when its state is forgotten)
CREATE INDEX ix_destination_record_ids_learner ON destination_record_ids (sync_key, learner_key);
