-- Rows queued by an agent older than 0001 carry their envelope id only inside the payload: copy it
-- out so that a receipt can name them. Payloads that are not JSON keep NULL.
UPDATE `outbox` SET `envelope_id` = json_extract(`payload`, '$.id') WHERE `envelope_id` IS NULL AND json_valid(`payload`);
