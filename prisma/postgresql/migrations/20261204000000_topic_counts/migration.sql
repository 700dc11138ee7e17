-- CreateTable
CREATE TABLE "TopicMinuteCount" (
    "topicId" INTEGER NOT NULL,
    "minute" INTEGER NOT NULL,
    "traffic" INTEGER NOT NULL DEFAULT 0,
    "nonTraffic" INTEGER NOT NULL DEFAULT 0,
    "notClassified" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "TopicMinuteCount_pkey" PRIMARY KEY ("topicId","minute")
);

-- CreateTable
CREATE TABLE "TopicCountProgress" (
    "topicId" INTEGER NOT NULL,
    "partition" INTEGER NOT NULL,
    "nextOffset" BIGINT NOT NULL,
    "lastTimestamp" BIGINT NOT NULL DEFAULT 0,

    CONSTRAINT "TopicCountProgress_pkey" PRIMARY KEY ("topicId","partition")
);

-- AddForeignKey
ALTER TABLE "TopicMinuteCount" ADD CONSTRAINT "TopicMinuteCount_topicId_fkey" FOREIGN KEY ("topicId") REFERENCES "Topic"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TopicCountProgress" ADD CONSTRAINT "TopicCountProgress_topicId_fkey" FOREIGN KEY ("topicId") REFERENCES "Topic"("id") ON DELETE CASCADE ON UPDATE CASCADE;
