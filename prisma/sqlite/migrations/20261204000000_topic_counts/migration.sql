-- CreateTable
CREATE TABLE "TopicMinuteCount" (
    "topicId" INTEGER NOT NULL,
    "minute" INTEGER NOT NULL,
    "traffic" INTEGER NOT NULL DEFAULT 0,
    "nonTraffic" INTEGER NOT NULL DEFAULT 0,
    "notClassified" INTEGER NOT NULL DEFAULT 0,

    PRIMARY KEY ("topicId", "minute"),
    CONSTRAINT "TopicMinuteCount_topicId_fkey" FOREIGN KEY ("topicId") REFERENCES "Topic" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "TopicCountProgress" (
    "topicId" INTEGER NOT NULL,
    "partition" INTEGER NOT NULL,
    "nextOffset" BIGINT NOT NULL,
    "lastTimestamp" BIGINT NOT NULL DEFAULT 0,

    PRIMARY KEY ("topicId", "partition"),
    CONSTRAINT "TopicCountProgress_topicId_fkey" FOREIGN KEY ("topicId") REFERENCES "Topic" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
