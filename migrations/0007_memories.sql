-- "On this day" memories look up a library by month and day of the wall-clock date taken.
CREATE INDEX assets_on_this_day ON assets (
    owner_id,
    (EXTRACT(MONTH FROM local_date_time AT TIME ZONE 'UTC')),
    (EXTRACT(DAY FROM local_date_time AT TIME ZONE 'UTC'))
) WHERE deleted_at IS NULL;
