package console_test

import (
	"os"
	"testing"

	"github.com/textline/textline/bot/redisstore/redistest"
)

func TestMain(m *testing.M) { os.Exit(redistest.Guard(m).Run()) }
