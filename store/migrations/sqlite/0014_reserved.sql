-- Reserved: 0014 is the shared pool's migration on another branch. This
-- placeholder keeps the versions contiguous on the wecomsync branch; drop it
-- when the branches are merged.
SELECT 1;
